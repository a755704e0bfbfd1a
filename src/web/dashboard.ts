export function registerDashboard(..._a: unknown[]): void {}
