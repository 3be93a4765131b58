/**
 * The notification sandbox for the demo and the test stack: a fake SMS gateway
 * (the HTTP shape SmsGatewayChannel speaks) and an SMTP catcher, in one
 * process, with a page that shows what arrived. Not for production: it keeps
 * messages in memory. Tests read the JSON lists and switch the gateway off and
 * on to play an outage.
 *
 *   GET  /                 the page (refreshes itself)
 *   POST /sms              the gateway: {to, text, reference}, Bearer key; 503 while down
 *   GET  /api/sms          messages the gateway took, oldest first (?to=, ?reference=)
 *   GET  /api/mail         mails the catcher took, oldest first (?to=)
 *   PUT  /api/gateway      {"down": true|false}
 *   GET  /readyz
 * SMTP refuses any address at a `.invalid` domain with 550 (a permanent refusal).
 *
 * It logs counts, never numbers, addresses or texts.
 */
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface SandboxSms { id: number; at: string; to: string; text: string; reference: string | null; sender: string | null }
export interface SandboxMail { id: number; at: string; to: string[]; from: string; subject: string; text: string; messageId: string | null }

export interface NotifySandbox {
  httpUrl: string;
  smtpPort: number;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(sms: SandboxSms[], mail: SandboxMail[], down: boolean): string {
  const rowsSms = sms.slice().reverse().map((m) => `<tr><td>${escape(m.at)}</td><td>${escape(m.to)}</td><td>${escape(m.text)}</td><td>${escape(m.reference ?? '')}</td></tr>`).join('');
  const rowsMail = mail.slice().reverse().map((m) => `<tr><td>${escape(m.at)}</td><td>${escape(m.to.join(', '))}</td><td><b>${escape(m.subject)}</b><br>${escape(m.text)}</td><td>${escape(m.messageId ?? '')}</td></tr>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>minqing 通知沙箱 notification sandbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}.down{color:#b00}</style></head>
<body><h1>通知沙箱 · notification sandbox</h1>
<p>Fake SMS gateway: <b class="${down ? 'down' : ''}">${down ? 'DOWN (answers 503)' : 'up'}</b> · ${sms.length} SMS · ${mail.length} mails. Demo only: messages are kept in memory.</p>
<h2>短信 SMS</h2><table><tr><th>at</th><th>to</th><th>text</th><th>reference</th></tr>${rowsSms || '<tr><td colspan="4">none yet</td></tr>'}</table>
<h2>邮件 E-mail</h2><table><tr><th>at</th><th>to</th><th>message</th><th>Message-ID</th></tr>${rowsMail || '<tr><td colspan="4">none yet</td></tr>'}</table>
</body></html>`;
}

async function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startNotifySandbox(opts: { httpPort: number; smtpPort: number; host?: string; apiKey?: string; log?: (line: string) => void }): Promise<NotifySandbox> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const sms: SandboxSms[] = [];
  const mail: SandboxMail[] = [];
  const byReference = new Map<string, SandboxSms>();
  let down = false;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page(sms, mail, down));
      }
      if (req.method === 'GET' && url.pathname === '/readyz') return json(res, 200, { ok: true });
      if (req.method === 'GET' && url.pathname === '/api/sms') {
        const to = url.searchParams.get('to');
        const ref = url.searchParams.get('reference');
        return json(res, 200, { down, items: sms.filter((m) => (!to || m.to === to) && (!ref || m.reference === ref)) });
      }
      if (req.method === 'GET' && url.pathname === '/api/mail') {
        const to = url.searchParams.get('to');
        return json(res, 200, { items: mail.filter((m) => !to || m.to.includes(to)) });
      }
      if (req.method === 'PUT' && url.pathname === '/api/gateway') {
        const body = JSON.parse(await readBody(req)) as { down?: unknown };
        if (typeof body.down !== 'boolean') return json(res, 400, { error: 'down must be true or false' });
        down = body.down;
        log(`gateway ${down ? 'down' : 'up'}`);
        return json(res, 200, { down });
      }
      if (req.method === 'POST' && url.pathname === '/sms') {
        if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return json(res, 401, { error: 'bad API key' });
        if (down) return json(res, 503, { error: 'gateway down (sandbox)' });
        const body = JSON.parse(await readBody(req)) as { to?: unknown; text?: unknown; reference?: unknown; sender?: unknown };
        if (typeof body.to !== 'string' || !/^1[3-9]\d{9}$/.test(body.to)) return json(res, 400, { error: 'to must be a mainland mobile number' });
        if (typeof body.text !== 'string' || !body.text || body.text.length > 1000) return json(res, 400, { error: 'text must be 1–1000 characters' });
        const reference = typeof body.reference === 'string' ? body.reference : null;
        // A gateway that deduplicates by reference: a retried send is answered, not shown twice.
        const seen = reference ? byReference.get(reference) : undefined;
        if (seen) return json(res, 200, { id: seen.id, duplicate: true });
        const m: SandboxSms = { id: sms.length + 1, at: new Date().toISOString(), to: body.to, text: body.text, reference, sender: typeof body.sender === 'string' ? body.sender : null };
        sms.push(m);
        if (reference) byReference.set(reference, m);
        log(`sms #${m.id} taken`);
        return json(res, 200, { id: m.id });
      }
      return json(res, 404, { error: 'not found' });
    })().catch((err: Error) => {
      if (!res.headersSent) json(res, 400, { error: err.message });
    });
  });

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    // Like a real server refusing a mailbox for good: any address at a `.invalid` domain gets 550 (the dead-letter test).
    onRcptTo(address, _session, callback) {
      if (/\.invalid$/i.test(address.address)) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          const m: SandboxMail = {
            id: mail.length + 1, at: new Date().toISOString(), to, from: parsed.from?.text ?? '', subject: parsed.subject ?? '', text: (parsed.text ?? '').trim(), messageId: parsed.messageId ?? null,
          };
          // Like the gateway: a mail re-sent with the same Message-ID is not shown twice.
          if (!m.messageId || !mail.some((x) => x.messageId === m.messageId)) {
            mail.push(m);
            log(`mail #${m.id} taken`);
          }
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.httpPort, host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, host, () => resolve());
  });
  return {
    httpUrl: `http://${host}:${opts.httpPort}`,
    smtpPort: opts.smtpPort,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
