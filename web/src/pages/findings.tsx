export default function Page() {
  return <div className="page"><h1>findings</h1></div>;
}
