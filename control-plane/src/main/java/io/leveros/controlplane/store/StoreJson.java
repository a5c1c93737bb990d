package io.leveros.controlplane.store;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the store records, used by every backend: a field added to a record is
 * stored and loaded by all of them without backend-specific code.
 */
final class StoreJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StoreJson() {}
}
