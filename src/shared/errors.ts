/**
 * Failure types no retry can fix; workflows list them in `nonRetryableErrorTypes` and activities
 * throw them as non-retryable ApplicationFailures. Shared so workflows need not import activity code.
 */
export const NON_RETRYABLE_ACTIVITY_ERRORS = [
  'CenterNotFound',
  'RecipientNotFound',
  'TemplateNotFoundError',
  'UnknownDocumentType',
  'MailRejected',
];
