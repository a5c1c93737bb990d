/**
 * The Lever control plane: REST API, deploys, environments, metadata store and routing-table push.
 *
 * <p>Start reading at {@link io.leveros.controlplane.deploy.DeployService} (how a service archive
 * becomes a live version) and {@link io.leveros.controlplane.store.MetadataStore} (what is kept). Each
 * concept has its own package; {@link io.leveros.controlplane.ErrorCode} lists every error answer.
 */
package io.leveros.controlplane;
