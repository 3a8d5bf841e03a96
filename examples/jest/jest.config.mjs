// jest for ES-module tests of epoll-wasm (the package is ES modules): no transform, and run
// jest with NODE_OPTIONS=--experimental-vm-modules.
export default {
  testEnvironment: "node",
  testMatch: ["**/*.test.mjs"],
  transform: {},
};
