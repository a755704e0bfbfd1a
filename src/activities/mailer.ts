import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  /** Copied (Cc): e.g. the Entidad Administradora and SSCS-SGP on an entity's incident (PM1.3.3). */
  cc?: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments: { filename: string; content: string | Buffer; contentType: string }[];
}

/** The one way out to SMTP (nodemailer). Built once by the worker; activities get it injected. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  verify(): Promise<void>;
  close(): void;
}

/**
 * SMTP timeouts add up to well under the delivery activity's 1-minute startToCloseTimeout, so an
 * attempt that hangs has failed before Temporal starts the next one: two attempts never talk to
 * SMTP at the same time (which could send one email twice).
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createSmtpMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS } as never);
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      return { messageId: info.messageId };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
