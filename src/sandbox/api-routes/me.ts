/**
 * `GET /me`: the sandbox's single user, with its upload quota.
 */
import { uploadQuota } from '../quota.js';
import { USER_URI } from '../video-view.js';
import type { Route, RouteHandler } from './route.js';

const getMe: RouteHandler = async (ctx) => ({
  status: 200,
  body: {
    uri: USER_URI,
    name: 'Sandbox User',
    link: 'https://vimeo.com/user12345',
    account: 'sandbox',
    upload_quota: uploadQuota(ctx),
  },
});

/** The user routes. */
export const meRoutes: readonly Route[] = [{ method: 'GET', pattern: /^\/me$/, kind: 'me', handler: getMe }];
