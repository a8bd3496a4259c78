/** SIP message text for parser tests: LF-written literals turned into wire bytes. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The text with every LF made CRLF, as bytes. */
export const crlf = (s: string): Uint8Array => enc(s.replace(/\n/g, "\r\n"));

/** Start line and the headers every INVITE needs, LF line ends; append more headers, a blank line and a body. */
export const INVITE_HEAD = `INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: Bob <sip:bob@example.com>
From: Alice <sip:alice@example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@192.0.2.1>
`;
