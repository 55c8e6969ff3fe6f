const pad = (n: number) => String(n).padStart(2, '0');

/** A moment in the admin's time zone: "14:03:12" today (seconds matter for a retry a minute away), else "2025-06-01 14:03". */
export function moment(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === now.toDateString()) return `${time}:${pad(d.getSeconds())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
