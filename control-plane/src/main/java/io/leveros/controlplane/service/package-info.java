/** Read access to deployed services and their versions. Start with {@link io.leveros.controlplane.service.ServiceCatalog}. */
package io.leveros.controlplane.service;
