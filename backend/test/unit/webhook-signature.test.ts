import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, verifySignature } from '../../src/webhooks/signature.ts';
import { privateTarget } from '../../src/webhooks/target.ts';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = '{"id":"1","type":"term.published"}';
  const now = 1_800_000_000;

  it('verify for the same secret, body and a recent timestamp only', () => {
    const header = signatureHeader(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    const options = { nowSeconds: now + 10, toleranceSeconds: 300 };
    expect(verifySignature(secret, body, header, options)).toBe(true);
    expect(verifySignature(secret, `${body} `, header, options)).toBe(false);
    expect(verifySignature(newWebhookSecret(), body, header, options)).toBe(false);
    expect(verifySignature(secret, body, header, { nowSeconds: now + 301, toleranceSeconds: 300 })).toBe(
      false,
    );
    expect(verifySignature(secret, body, 'v1=abc', options)).toBe(false);
    // The timestamp is signed: changing it breaks the signature.
    expect(verifySignature(secret, body, header.replace('t=1800000000', 't=1800000005'), options)).toBe(
      false,
    );
  });

  it('draws a new 256-bit secret each time', () => {
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
    expect(Buffer.from(newWebhookSecret().slice('whsec_'.length), 'base64url')).toHaveLength(32);
  });
});

describe('webhook targets', () => {
  it.each([
    ['http://localhost:8080/x', true],
    ['http://api.localhost/x', true],
    ['http://127.0.0.1/x', true],
    ['http://10.1.2.3/x', true],
    ['http://172.16.0.1/x', true],
    ['http://172.32.0.1/x', false],
    ['http://192.168.1.1/x', true],
    ['http://169.254.169.254/latest/meta-data', true],
    ['http://100.64.0.1/x', true],
    ['http://[::1]/x', true],
    ['http://[fd00::1]/x', true],
    ['http://[::ffff:127.0.0.1]/x', true],
    ['https://hooks.example.org/lexikon', false],
    ['https://8.8.8.8/x', false],
  ])('%s is private: %s', (url, expected) => {
    expect(privateTarget(new URL(url))).toBe(expected);
  });
});
