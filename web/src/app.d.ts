import type { Me } from '@foyer/schema/validation';

declare global {
  namespace App {
    interface Error {
      message: string;
      code?: string;
    }
    interface Locals {
      /** The signed-in staff member and their organization; null when signed out. */
      me: Me | null;
    }
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }

  /**
   * Set by the Node server (server/src/main.ts) before it mounts build/handler.js: answers an API
   * request in-process, so SSR load functions never go through the network.
   */
  var __foyerApi: ((request: Request) => Promise<Response>) | undefined;
}

export {};
