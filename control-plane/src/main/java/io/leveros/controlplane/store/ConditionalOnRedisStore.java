package io.leveros.controlplane.store;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Makes a bean or configuration exist only when {@code lever.store} names a Redis server, i.e. when
 * the {@code RedisConnectionFactory} and {@code StringRedisTemplate} beans of {@link
 * StoreConfiguration} exist.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(RedisStoreCondition.class)
public @interface ConditionalOnRedisStore {}
