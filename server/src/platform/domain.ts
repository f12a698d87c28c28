import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Server } from 'socket.io';
import type { CustomerDataContributor, NamedContributor } from './customer-data.ts';
import type { Db, DbOrTx } from './db/connect.ts';
import type { AppEnv } from './http/context.ts';
import type { CronTask, JobKind } from './jobs.ts';
import type { Subscriber } from './outbox.ts';
import type { Logger } from './logger.ts';
import type { StaffNamespace } from './realtime/io.ts';

/**
 * Every domain's services, by name. Each domain adds its own in its index.ts by declaration
 * merging (`declare module '../../platform/domain.ts' { interface Services { … } }`), so the
 * composition root never lists them and a route or job asks for exactly what it uses.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Services {}

/** What a domain's services are built from. */
export type DomainDeps = {
  db: Db;
  logger: Logger;
  /** Every domain's customer-data contributor, in the order of the list (the customer service runs them). */
  customerData: readonly NamedContributor[];
};

/** What a domain's realtime handlers attach to: one socket.io server and its /staff namespace. */
export type RealtimeContext = {
  io: Server;
  staff: StaffNamespace;
  services: Services;
  db: DbOrTx;
  logger: Logger;
  /** With several nodes: the shared Redis (presence leases), else undefined. */
  redis?: import('ioredis').Redis;
  redisPrefix: string;
  flowDoneLingerMs?: number;
};

/**
 * One domain of the product (customers, bookings, doors …): the parts it has, registered by one
 * line in server/src/domains.ts. Adding a domain is its folder plus that line.
 */
export type Domain = {
  name: string;
  /**
   * Builds the domain's services. Domains are built in the order of the list, so `built` holds
   * the services of the domains before this one (bookings uses customers').
   */
  services?: (deps: DomainDeps, built: Services) => Partial<Services>;
  /** The domain's HTTP routes, mounted under /api; each route names the permission it needs. */
  routes?: (services: Services, options: RouteOptions) => OpenAPIHono<AppEnv>;
  /** Attaches socket handlers; returns what detaches them at shutdown. */
  realtime?: (context: RealtimeContext) => { close?: () => Promise<void> | void } | void;
  /**
   * The domain's part of a customer's data (C9, D2): what a delete takes, how erasure, delete and
   * merge treat its rows. Every domain with rows about a customer has one (a test checks the
   * database catalogue against them).
   */
  customerData?: CustomerDataContributor;
  /**
   * Outbox subscribers (platform/outbox.ts): what the domain does when an event commits — durable
   * ones once per event on any node, local ones on every node (pushes to this node's sockets).
   */
  subscribers?: (services: Services) => Subscriber[];
  /** Background job kinds (platform/jobs.ts) the domain runs. */
  jobs?: (services: Services) => JobKind[];
  /** Recurring tasks (platform/jobs.ts `schedule`): short, they enqueue job runs. */
  cron?: (services: Services) => CronTask[];
};

export type RouteOptions = { secureCookies: boolean };
