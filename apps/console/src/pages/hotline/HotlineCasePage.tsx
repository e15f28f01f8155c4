/**
 * A report the hotline filed, until a supervisor accepts it (then the API answers 404, as
 * for any case outside its scope): the filer's case page (pages/director/DirectorCasePage)
 * in its hotline form — where (community, or 未定位 and the place as told), the child, the
 * reports, police, guardians — and what the hotline may still do there.
 */
import { useParams } from 'react-router';
import { useCase } from '../../api/hooks';
import { ErrorPage, PageLoading } from '../../components';
import { FilerCaseView } from '../director/DirectorCasePage';

export default function HotlineCasePage() {
  const { id } = useParams();
  const q = useCase(id);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorPage level={1} error={q.error} onRetry={() => void q.refetch()} />;
  return <FilerCaseView c={q.data} reload={() => void q.refetch()} variant="hotline" />;
}
