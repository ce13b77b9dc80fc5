import { type QueryKey, type UseQueryOptions, useQuery } from "@tanstack/react-query";

/**
 * `useQuery` as the designer's views read it: the data, the error to show, and
 * whether the first load is still under way (`isLoading`: no data yet and fetching).
 */
export function useLoadedQuery<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: UseQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
) {
  const { data, error, isLoading } = useQuery(options);
  return { data, error, loading: isLoading };
}
