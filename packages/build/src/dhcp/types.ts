import type { DhcpDeclaration } from '../family/types';

/** One family's DHCP declaration, as the generators take it. */
export interface DhcpFamily {
  /** The family name; the class is named `provd-<name>`. */
  name: string;
  /** The family's declaration. */
  dhcp: DhcpDeclaration;
}

/** The class name generated for a family. */
export function dhcpClassName(family: string): string {
  return `provd-${family}`;
}

/** Families sorted by name, so the generated files do not depend on discovery order. */
export function sortedFamilies(families: readonly DhcpFamily[]): DhcpFamily[] {
  return [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
