import type { Metadata } from "next";
import { RunPage } from "./RunPage.tsx";

interface RunPageProps {
  readonly params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: RunPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${id.slice(0, 8)}` };
}

export default async function Page({ params }: RunPageProps) {
  const { id } = await params;
  // Keyed, so another run starts from a blank state rather than the previous run's.
  return <RunPage key={id} runId={id} />;
}
