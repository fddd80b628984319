// The payloads of this feature are shared with the web app: one definition, in @lexikon/contracts.
export * from '@lexikon/contracts/webhooks';
