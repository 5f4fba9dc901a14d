/** English, the source language and the fallback: bundled with the app. One JSON file per namespace. */
import admin from './admin.json';
import auth from './auth.json';
import calendar from './calendar.json';
import common from './common.json';
import dashboard from './dashboard.json';
import errors from './errors.json';
import profile from './profile.json';
import projects from './projects.json';
import shell from './shell.json';
import tasks from './tasks.json';
import views from './views.json';
import webhooks from './webhooks.json';

export default { common, shell, auth, tasks, dashboard, profile, admin, projects, views, calendar, webhooks, errors };
