/** The {@code lever.json} service descriptor and its validation. Start with {@link io.leveros.core.leverjson.LeverJson}. */
package io.leveros.core.leverjson;
