package com.example.hello;

/** The hello service: every public method is a Lever method, here {@code /helloService/sayHello}. */
public class HelloService {
    public String sayHello(String name) {
        return "Hello, " + name + "!";
    }
}
