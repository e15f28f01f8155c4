/** Shared components for every page: import from '../../components'. */
export { RiskTag, StatusTag, CategoryTags, RISK_STYLE } from './tags';
export { MaskedName, maskName } from './MaskedName';
export { DeadlineCountdown, useNow } from './DeadlineCountdown';
export { ErrorPage, ApiErrorAlert, applyFieldErrors, useApiErrorNotice, errorText } from './errors';
export { OfflineBanner } from './OfflineBanner';
export { PageTitle } from './PageTitle';
export { PageLoading } from './PageLoading';
export { PastDateTime, notFuture } from './PastDateTime';
