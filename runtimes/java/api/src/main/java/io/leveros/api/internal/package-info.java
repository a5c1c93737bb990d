/**
 * The seam between the API and the runtime that serves it: what the runtime sets per call and the
 * API's accessors read. Not for services; nothing here is a stable API.
 */
package io.leveros.api.internal;
