/** Length limits, kept free of zod so a page can show them without shipping the validator. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
export const TERM_MAX_LENGTH = 200;
export const DEFINITION_MAX_LENGTH = 5000;
export const DOMAIN_MAX_LENGTH = 100;
