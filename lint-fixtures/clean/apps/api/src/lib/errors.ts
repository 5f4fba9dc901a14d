export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const rateLimited = (retryAfterSec: number) => new AppError(429, `retry in ${retryAfterSec}s`);
