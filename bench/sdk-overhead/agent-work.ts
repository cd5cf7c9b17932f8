/** The agent run every case of sdk-overhead performs: its inputs, its model and its tools. */
export const INPUT =
  'Where is my order A-1001? It was supposed to arrive on Monday and it is now Thursday.';
export const ARGS_1 = { orderId: 'A-1001', fields: ['status', 'eta'], verbose: false };
export const ARGS_2 = { query: 'late delivery policy', limit: 5 };
export const RESPONSE = {
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ message: { content: 'It ships tomorrow.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 120, completion_tokens: 18 },
};

let tenantIndex = 0;
/** 20 tenants in turn, each id a new string as it would be per request. */
export const nextTenant = () => `tenant-${tenantIndex++ % 20}`;

// The agent's own work, identical in every case.
export const callModel = async () => RESPONSE;
export const lookup = async (args: unknown) => (args === ARGS_1 ? 'shipped' : 'policy');
