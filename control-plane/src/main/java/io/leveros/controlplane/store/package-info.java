/**
 * The metadata store: environments, services and their versions.
 *
 * <p>{@link io.leveros.controlplane.store.MetadataStore} is the seam; reads go through an immutable
 * {@link io.leveros.controlplane.store.StoreSnapshot}. {@link
 * io.leveros.controlplane.store.FileMetadataStore} is the embedded single-node backend (one JSON file,
 * replaced atomically), {@link io.leveros.controlplane.store.RedisMetadataStore} the clustered one;
 * both run the write rules of {@code StoreDraft}. {@link io.leveros.controlplane.store.StoreLocation} is
 * the {@code lever.store} setting, and {@code StoreConfiguration} picks the backend (and, in Redis mode,
 * provides the Redis beans other packages use).
 */
package io.leveros.controlplane.store;
