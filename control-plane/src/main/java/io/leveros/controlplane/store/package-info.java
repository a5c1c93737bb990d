/**
 * The metadata store: environments, services and their versions.
 *
 * <p>{@link io.leveros.controlplane.store.MetadataStore} is the seam; reads go through an immutable
 * {@link io.leveros.controlplane.store.StoreSnapshot}. {@link
 * io.leveros.controlplane.store.FileMetadataStore} is the embedded single-node backend (one JSON file,
 * replaced atomically); a Redis backend for clusters can implement the same interface.
 */
package io.leveros.controlplane.store;
