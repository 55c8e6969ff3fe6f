import type { UserView } from '../../../../electron/api/schemas/users.js';

/** The users authorized for a sender. The host stores senders lowercased; a user's entry may be typed otherwise. */
export function usersOf(users: UserView[], kind: 'domain' | 'address', sender: string): UserView[] {
  const wanted = sender.toLowerCase();
  return users.filter((u) =>
    kind === 'domain'
      ? u.domains.some((d) => d.domain.toLowerCase() === wanted)
      : u.addresses.some((a) => a.address.toLowerCase() === wanted),
  );
}
