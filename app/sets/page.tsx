import type { Metadata } from "next";
import { SetsView } from "./SetsView.tsx";

export const metadata: Metadata = { title: "Sets" };

export default function SetsPage() {
  return <SetsView />;
}
