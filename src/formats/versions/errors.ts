// Typed errors of the version layer. Pure code throws these; the advisory service maps them to
// the HTTP error catalogue (an invalid version in an upload is a bad request).

export class InvalidVersionError extends Error {
  override readonly name = 'InvalidVersionError';
  constructor(
    readonly ecosystem: string,
    readonly version: string,
    readonly reason: string,
  ) {
    super(`invalid ${ecosystem} version ${JSON.stringify(version)}: ${reason}`);
  }
}

export class UnknownEcosystemError extends Error {
  override readonly name = 'UnknownEcosystemError';
  constructor(readonly ecosystem: string) {
    super(`unknown ecosystem ${JSON.stringify(ecosystem)}: no version order is defined for it`);
  }
}

export class CompareInputError extends Error {
  override readonly name = 'CompareInputError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}
