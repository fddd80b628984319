/** Injection strings the security tests send through the API and render in the web app. */
export const INJECTION_STRINGS = [
  `' OR '1'='1' --`,
  `Robert'); DROP TABLE terms; --`,
  `1; SELECT pg_sleep(10); --`,
  `$$; DELETE FROM users; $$`,
  `{"$ne": null, "$gt": ""}`,
  `"}, "role": "admin", "x": {"`,
  `\\u0000 \\x00 %00 %27`,
  `<img src=x onerror=alert(1)>`,
  `<script>alert(document.cookie)</script>`,
  `"><svg onload=alert(1)>`,
  `javascript:alert(1)`,
  `{{7*7}} \${7*7} <%= 7*7 %>`,
  `../../../../etc/passwd`,
];
