export { CaseworkModule } from './casework.module';
