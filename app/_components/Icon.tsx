/** The few line icons the designer uses (24×24, stroke = currentColor). */
const paths = {
  dashboard: "M4 13h6V4H4zm0 7h6v-4H4zm10 0h6v-9h-6zm0-16v4h6V4z",
  run: "M8 5v14l11-7z",
  monitor: "M3 12h4l3-8 4 16 3-8h4",
  workers: "M4 4h16v6H4zM4 14h16v6H4zM8 7h.01M8 17h.01",
  jobs: "M4 7h16M4 12h16M4 17h10",
  schedules: "M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  sets: "M12 3 3 8l9 5 9-5zM3 13l9 5 9-5M3 17.5l9 5 9-5",
  workflows: "M4 5h6v5H4zM14 14h6v5h-6zM7 10v4.5a2 2 0 0 0 2 2h5M10 7.5h4.5a2 2 0 0 1 2 2V14",
  graph:
    "M6 6h.01M18 6h.01M12 18h.01M6 6l6 12M18 6l-6 12M4 6a2 2 0 1 0 4 0 2 2 0 0 0-4 0m12 0a2 2 0 1 0 4 0 2 2 0 0 0-4 0m-6 12a2 2 0 1 0 4 0 2 2 0 0 0-4 0",
  institution: "M3 21h18M3 9h18M12 3l9 6H3zM6 9v9M10 9v9M14 9v9M18 9v9",
  admin: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z",
  signOut: "M15 12H4m0 0 4-4m-4 4 4 4M14 4h5a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-5",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm9 3-4.35-4.35",
  download: "M12 4v11m0 0-4-4m4 4 4-4M5 20h14",
  check: "M5 12.5 10 17l9-10",
  plus: "M12 5v14M5 12h14",
  arrowRight: "M5 12h14m-5-5 5 5-5 5",
  arrowLeft: "M19 12H5m5 5-5-5 5-5",
  alert:
    "M12 8v5m0 3.5h.01M10.3 3.9 2.5 17.5A2 2 0 0 0 4.2 20.5h15.6a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16 }: { readonly name: IconName; readonly size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} />
    </svg>
  );
}
