/**
 * The answers a person may give hubgate's approval form other than yes, with the decision the
 * audit record must carry and what the refusal says: shared by the tests of both eras.
 */
// A type, not an interface: the SDKs' result types want an object with an index signature.
export type FormAnswer = {
  action: 'accept' | 'decline' | 'cancel';
  content?: { approve: boolean };
};

export const REFUSING_ANSWERS: [string, FormAnswer, 'decline' | 'cancel', RegExp][] = [
  ['declines', { action: 'decline' }, 'decline', /answered no/],
  [
    'accepts the form but answers no',
    { action: 'accept', content: { approve: false } },
    'decline',
    /answered no/,
  ],
  ['cancels', { action: 'cancel' }, 'cancel', /answered nothing \(cancelled\)/],
];
