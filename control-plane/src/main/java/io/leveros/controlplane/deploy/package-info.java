/**
 * The deploy pipeline: archive in, live version out. {@link
 * io.leveros.controlplane.deploy.DeployService#deploy} extracts and checks the upload, takes a version
 * number, moves the code into place and commits the version, which makes it live and pushes new routes.
 */
package io.leveros.controlplane.deploy;
