/** The sample leads of the demo and how each of them answers (or doesn't). */
export interface DemoLead {
  email: string;
  firstName: string;
  company: string;
  /** The reply this lead sends to the first email; undefined: never answers. */
  reply?: { from: string; body: string; headers?: Record<string, string>; keepThreadHeaders: boolean };
}

export const DEMO_LEADS: readonly DemoLead[] = [
  {
    email: 'ada@northwind.example',
    firstName: 'Ada',
    company: 'Northwind',
    reply: {
      from: 'Ada Park <ada@northwind.example>',
      keepThreadHeaders: true,
      body: `Hi Dana,\n\nHonestly our trial emails get no answers. This sounds interesting, could we set up a call next week to see a demo?\n\nAda\n\nOn Mon, Dana from Parley <dana@parley.example> wrote:\n> What made you start looking for a tool like ours right now?\n`,
    },
  },
  {
    email: 'ben@tailspin.example',
    firstName: 'Ben',
    company: 'Tailspin',
    reply: {
      from: 'Ben Ortiz <ben@tailspin.example>',
      // Some clients drop In-Reply-To; Parley falls back to the sender's address.
      keepThreadHeaders: false,
      body: `How much does it cost for a team of 8, and does it work with Gmail?\n\nSent from my phone\n`,
    },
  },
  {
    email: 'chloe@fabrikam.example',
    firstName: 'Chloe',
    company: 'Fabrikam',
    reply: { from: 'chloe@fabrikam.example', keepThreadHeaders: true, body: 'Please remove me from your list.\n' },
  },
  {
    email: 'dev@contoso.example',
    firstName: 'Dev',
    company: 'Contoso',
    reply: {
      from: 'Dev Shah <dev@contoso.example>',
      keepThreadHeaders: true,
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      body: 'I am out of the office until Monday with limited access to email. For urgent matters contact sam@contoso.example.\n',
    },
  },
  { email: 'erin@litware.example', firstName: 'Erin', company: 'Litware' },
];
