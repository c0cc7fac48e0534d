/** A list of allowed values in a message; languages with their own comma pass it. */
export const list = (values: readonly string[], separator = ', ') => values.join(separator);
