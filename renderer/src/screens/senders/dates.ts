const pad = (n: number) => String(n).padStart(2, '0');

/** A moment as "2025-06-01 14:03" in the admin's time zone: the seed's date, plus the time a check or code was sent. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
