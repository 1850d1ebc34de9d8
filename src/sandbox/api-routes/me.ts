/**
 * `GET /me`: the sandbox's single user (its id is this instance's, see StateStore.userId), with its
 * upload quota.
 */
import { uploadQuota } from '../quota.js';
import { userUriOf } from '../video-view.js';
import type { Route, RouteHandler } from './route.js';

const getMe: RouteHandler = async (ctx) => ({
  status: 200,
  body: {
    // Per instance: a sandbox started on a new data folder is another account to its clients.
    uri: userUriOf(ctx),
    name: 'Sandbox User',
    link: `https://vimeo.com/user${ctx.store.userId}`,
    account: 'sandbox',
    upload_quota: uploadQuota(ctx),
  },
});

/** The user routes. */
export const meRoutes: readonly Route[] = [{ method: 'GET', pattern: /^\/me$/, kind: 'me', handler: getMe }];
