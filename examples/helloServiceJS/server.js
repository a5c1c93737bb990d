module.exports.sayHello = function (name, callback) {
    callback(null, "Hello, " + name + "!");
};
