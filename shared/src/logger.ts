/** One pino logger factory so every service logs the same JSON shape. */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Residents' names and phone numbers never reach a log line.
    redact: { paths: ['*.resident', 'resident', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}
