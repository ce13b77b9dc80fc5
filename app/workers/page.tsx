import type { Metadata } from "next";
import { WorkersView } from "./WorkersView.tsx";

export const metadata: Metadata = { title: "Workers" };

export default function WorkersPage() {
  return <WorkersView />;
}
