/**
 * An example Lever service in Java: {@link com.example.hello.HelloService} is named as {@code
 * javaEntry} in this folder's {@code lever.json}.
 */
package com.example.hello;
