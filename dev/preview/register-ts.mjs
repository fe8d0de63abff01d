/** The TypeScript loader of register-ts.cjs, for ES module entry points (start.mjs). */
import './register-ts.cjs';
