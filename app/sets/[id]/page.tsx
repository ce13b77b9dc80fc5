import type { Metadata } from "next";
import { SetDetail } from "./SetDetail.tsx";

interface SetPageProps {
  readonly params: Promise<{ id: string }>;
}

export const metadata: Metadata = { title: "Set" };

export default async function SetPage({ params }: SetPageProps) {
  const { id } = await params;
  return <SetDetail key={id} setId={id} />;
}
