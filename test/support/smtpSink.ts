import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A mail as the sink received it over SMTP. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly headers: ReadonlyMap<string, string>;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** Deliveries refused so far. */
  readonly refused: number;
  /** Refuses the next `count` deliveries with `451` (try again later). */
  refuseNext(count: number): void;
  /** Resolves once `count` mails arrived in all; fails after `timeoutMs`. */
  waitForMails(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** An SMTP server on a free loopback port that keeps what it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true, // no DNS on a loopback test server
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (refusals > 0) {
          refusals--;
          refused++;
          callback(
            Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }),
          );
          return;
        }
        received.push(
          parseMail(
            Buffer.concat(chunks).toString("utf8"),
            session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ),
        );
        server.emit("mail");
        callback();
      });
    },
  });
  const listening = server.listen(0, "127.0.0.1");
  await once(listening, "listening");
  const { port } = listening.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get refused() {
      return refused;
    },
    refuseNext: (count) => {
      refusals = count;
    },
    waitForMails: async (count, timeoutMs = 30_000) => {
      const signal = AbortSignal.timeout(timeoutMs);
      while (received.length < count) {
        await once(server, "mail", { signal }).catch(() => {
          throw new Error(`Timed out after ${timeoutMs} ms: ${received.length} of ${count} mails`);
        });
      }
      return received;
    },
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers (unfolded) and body (quoted-printable decoded) of a plain-text message. */
function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const split = raw.indexOf("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n(?=[ \t])/g, "")
    .split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if (headers.get("content-transfer-encoding") === "quoted-printable") {
    body = Buffer.from(
      body
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
          String.fromCharCode(Number.parseInt(hex, 16)),
        ),
      "latin1",
    ).toString("utf8");
  }
  return {
    from,
    to,
    subject: headers.get("subject") ?? "",
    body: body.replace(/\r\n/g, "\n"),
    headers,
  };
}
