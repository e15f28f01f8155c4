/**
 * The DataSource the TypeORM CLI loads (npm run migration:generate). Everything
 * else calls createCliDataSource() through the library's index.
 */
import 'reflect-metadata';
import { createCliDataSource } from './data-source-options';

export default createCliDataSource();
