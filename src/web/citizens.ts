export function registerCitizenPages(..._a: unknown[]): void {}
