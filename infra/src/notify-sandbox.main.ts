/**
 * Entry point of the notification sandbox process (started by `npm start` and
 * the test stack, see services.ts): SANDBOX_HTTP_PORT, SANDBOX_SMTP_PORT,
 * SANDBOX_SMS_API_KEY. Stops on SIGTERM/SIGINT.
 */
import { startNotifySandbox } from './notify-sandbox';

const port = (name: string): number => {
  const n = Number(process.env[name]);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) {
    process.stderr.write(`notify-sandbox: ${name} must be a TCP port, got ${JSON.stringify(process.env[name])}\n`);
    process.exit(2);
  }
  return n;
};

const sandbox = await startNotifySandbox({
  httpPort: port('SANDBOX_HTTP_PORT'),
  smtpPort: port('SANDBOX_SMTP_PORT'),
  apiKey: process.env.SANDBOX_SMS_API_KEY || undefined,
  log: (line) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'notify-sandbox', msg: line })}\n`),
});
process.stdout.write(`${JSON.stringify({ service: 'notify-sandbox', msg: `listening on ${sandbox.httpUrl}, SMTP on port ${sandbox.smtpPort}` })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void sandbox.close().finally(() => process.exit(0));
  });
}
