package io.leveros.controlplane.security;

/** What a call needs, as {@link AccessRules} decides it from the method and path. */
public sealed interface Permission {
    Permission OPEN = new Open();
    Permission READ = new Read();
    Permission ADMIN = new Admin();

    /** For messages: what a token must have for the call. */
    String describe();

    /** No token needed (health, OpenAPI, Swagger UI). */
    record Open() implements Permission {
        @Override
        public String describe() {
            return "no token";
        }
    }

    /** Any token. */
    record Read() implements Permission {
        @Override
        public String describe() {
            return "scope read, deploy or admin";
        }
    }

    /** An admin token, or a deploy token for {@code environment}. */
    record Deploy(String environment) implements Permission {
        @Override
        public String describe() {
            return "scope admin, or scope deploy for environment '" + environment + "'";
        }
    }

    /** An admin token. */
    record Admin() implements Permission {
        @Override
        public String describe() {
            return "scope admin";
        }
    }
}
