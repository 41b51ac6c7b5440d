export * from './password';
export * from './service';
export * from './sessions';
export * from './sign-in';
export * from './throttle';
