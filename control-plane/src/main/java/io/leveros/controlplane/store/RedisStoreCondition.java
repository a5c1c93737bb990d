package io.leveros.controlplane.store;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code lever.store} parses to a Redis location; a bad value fails later, at binding. */
final class RedisStoreCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        try {
            return StoreLocation.parse(context.getEnvironment().getProperty(StoreLocation.SETTING))
                    instanceof StoreLocation.Redis;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
